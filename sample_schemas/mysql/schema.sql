-- E-commerce schema, MySQL 8 flavour (as mysqldump and hand-written migrations write it).
--
-- Same domain as ../ecommerce/schema.sql: AUTO_INCREMENT keys, inline ENUMs, STORED and
-- VIRTUAL generated columns, CHECK constraints (enforced since MySQL 8.0.16), InnoDB FKs.

SET NAMES utf8mb4;
SET FOREIGN_KEY_CHECKS = 0;

DROP TABLE IF EXISTS `order_items`;
DROP TABLE IF EXISTS `orders`;
DROP TABLE IF EXISTS `products`;
DROP TABLE IF EXISTS `customers`;

CREATE TABLE `customers` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `full_name` varchar(120) DEFAULT NULL,
  `phone` varchar(32) DEFAULT NULL,
  `country_code` char(2) DEFAULT NULL,
  `membership` enum('bronze','silver','gold','platinum') NOT NULL DEFAULT 'bronze',
  `referred_by` bigint unsigned DEFAULT NULL,
  `email_domain` varchar(255) GENERATED ALWAYS AS (lower(substring_index(`email`, '@', -1))) VIRTUAL,
  `marketing_opt_in` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `customers_email_key` (`email`),
  KEY `customers_referred_by_idx` (`referred_by`),
  CONSTRAINT `customers_referred_by_fkey` FOREIGN KEY (`referred_by`) REFERENCES `customers` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

CREATE TABLE `products` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `sku` varchar(32) NOT NULL,
  `name` varchar(200) NOT NULL,
  `category` varchar(50) NOT NULL DEFAULT 'general',
  `price` decimal(10,2) NOT NULL,
  `stock_quantity` int NOT NULL DEFAULT '0',
  `rating` decimal(3,2) DEFAULT NULL,
  `reviews_count` int NOT NULL DEFAULT '0',
  `popularity_score` decimal(12,2) AS (coalesce(`rating`, 0) * `reviews_count`) STORED,
  `attributes` json DEFAULT NULL,
  `is_active` tinyint(1) NOT NULL DEFAULT '1',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `products_sku_key` (`sku`),
  KEY `products_category_idx` (`category`),
  CONSTRAINT `products_price_check` CHECK ((`price` >= 0)),
  CONSTRAINT `products_stock_quantity_check` CHECK ((`stock_quantity` >= 0)),
  CONSTRAINT `products_rating_check` CHECK ((`rating` between 0 and 5))
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4;

CREATE TABLE `orders` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `customer_id` bigint unsigned NOT NULL,
  `product_id` int unsigned NOT NULL,
  `price` decimal(10,2) NOT NULL,
  `quantity` int NOT NULL,
  `discount` decimal(5,2) NOT NULL DEFAULT '0.00' COMMENT 'percent, 0-100',
  `status` enum('pending','paid','processing','shipped','delivered','cancelled','refunded') NOT NULL DEFAULT 'pending',
  `total_price` decimal(12,2) GENERATED ALWAYS AS ((`price` * `quantity`)) STORED,
  `discount_amount` decimal(12,2) GENERATED ALWAYS AS (round(((`price` * `quantity`) * `discount`) / 100, 2)) STORED,
  `final_price` decimal(12,2) GENERATED ALWAYS AS ((`price` * `quantity`) - round(((`price` * `quantity`) * `discount`) / 100, 2)) VIRTUAL,
  `items_per_pack` int GENERATED ALWAYS AS (`quantity` DIV 6) VIRTUAL,
  `label` varchar(64) AS (concat(upper(`status`), '-', lpad(`product_id`, 8, '0'))) VIRTUAL,
  `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`id`),
  KEY `orders_customer_created_idx` (`customer_id`, `created_at`),
  KEY `orders_product_id_fkey` (`product_id`),
  CONSTRAINT `orders_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `orders_product_id_fkey` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`),
  CONSTRAINT `orders_quantity_check` CHECK ((`quantity` > 0)),
  CONSTRAINT `orders_discount_check` CHECK (((`discount` >= 0) and (`discount` <= 100)))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='One line item per order';

CREATE TABLE `customer_metrics` (
  `customer_id` bigint unsigned NOT NULL,
  `total_orders` int NOT NULL DEFAULT 0,
  `total_spent` decimal(12,2) NOT NULL DEFAULT 0,
  `days_since_signup` int NOT NULL DEFAULT 0,
  `login_count` int NOT NULL DEFAULT 0,
  `average_order_value` decimal(12,2) AS (if(`total_orders` > 0, round(`total_spent` / `total_orders`, 2), 0)) STORED,
  `orders_per_month` int AS ((`total_orders` * 30) DIV greatest(`days_since_signup`, 1)) STORED,
  `engagement_level` varchar(10) AS (case when `login_count` DIV 10 >= 5 then 'high' when `login_count` DIV 10 >= 1 then 'medium' else 'low' end) VIRTUAL,
  PRIMARY KEY (`customer_id`),
  CONSTRAINT `customer_metrics_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE `product_ratings` (
  `id` int NOT NULL AUTO_INCREMENT,
  `customer_id` bigint unsigned NOT NULL,
  `product_name` varchar(200) NOT NULL,
  `date` date NOT NULL,
  `quality` tinyint NOT NULL CHECK (`quality` BETWEEN 1 AND 5),
  `value` tinyint NOT NULL CHECK (`value` BETWEEN 1 AND 5),
  `usability` tinyint NOT NULL CHECK (`usability` BETWEEN 1 AND 5),
  `delivery` tinyint NOT NULL CHECK (`delivery` BETWEEN 1 AND 5),
  `overall_rating` decimal(3,2) AS (round((`quality` + `value` + `usability` + `delivery`) / 4, 2)) STORED,
  PRIMARY KEY (`id`),
  UNIQUE KEY `product_ratings_customer_product_date_key` (`customer_id`, `product_name`, `date`),
  CONSTRAINT `product_ratings_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE `pricing_tiers` (
  `id` int NOT NULL AUTO_INCREMENT,
  `product_id` int unsigned NOT NULL,
  `tier` enum('bronze','silver','gold','platinum') NOT NULL,
  `min_price` decimal(10,2) NOT NULL,
  `optimal_price` decimal(10,2) NOT NULL,
  `max_price` decimal(10,2) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `pricing_tiers_product_tier_key` (`product_id`, `tier`),
  CONSTRAINT `pricing_tiers_price_order` CHECK (`min_price` <= `optimal_price` AND `optimal_price` <= `max_price`),
  CONSTRAINT `pricing_tiers_product_id_fkey` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB;

CREATE UNIQUE INDEX `orders_number_idx` ON `orders` (`customer_id`, `id`);

CREATE OR REPLACE VIEW `order_details` AS
SELECT o.`id`, c.`email`, c.`full_name`, p.`sku`, p.`name` AS `product_name`,
       o.`quantity`, o.`final_price`, o.`status`, o.`created_at`
FROM `orders` o
JOIN `customers` c ON c.`id` = o.`customer_id`
JOIN `products` p ON p.`id` = o.`product_id`;

SET FOREIGN_KEY_CHECKS = 1;
