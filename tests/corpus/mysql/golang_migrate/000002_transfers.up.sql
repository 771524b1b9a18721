CREATE TABLE transfers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    from_account BIGINT NOT NULL,
    to_account BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    fee_cents INT NOT NULL DEFAULT 0,
    total_cents BIGINT AS (amount_cents + fee_cents) STORED,
    memo VARCHAR(140) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT transfers_from_fk FOREIGN KEY (from_account) REFERENCES accounts (id),
    CONSTRAINT transfers_to_fk FOREIGN KEY (to_account) REFERENCES accounts (id),
    CONSTRAINT transfers_amount_ck CHECK (amount_cents > 0)
);

CREATE PROCEDURE transfer(IN src BIGINT, IN dst BIGINT, IN cents BIGINT)
BEGIN
    START TRANSACTION;
    UPDATE accounts SET balance_cents = balance_cents - cents WHERE id = src;
    UPDATE accounts SET balance_cents = balance_cents + cents WHERE id = dst;
    INSERT INTO transfers (from_account, to_account, amount_cents) VALUES (src, dst, cents);
    COMMIT;
END;
