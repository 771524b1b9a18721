SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: ar_internal_metadata; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ar_internal_metadata (
    key character varying NOT NULL,
    value character varying,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);

CREATE TABLE public.accounts (
    id bigint NOT NULL,
    name character varying NOT NULL,
    plan character varying DEFAULT 'free'::character varying NOT NULL,
    trial_length interval DEFAULT '14 days'::interval NOT NULL,
    locked character(1) DEFAULT 'N'::bpchar NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL,
    CONSTRAINT accounts_locked_flag CHECK ((locked = ANY (ARRAY['Y'::bpchar, 'N'::bpchar])))
);

CREATE SEQUENCE public.accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;

CREATE TABLE public.users (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    email character varying DEFAULT ''::character varying NOT NULL,
    encrypted_password character varying DEFAULT ''::character varying NOT NULL,
    role character(1) DEFAULT 'M'::bpchar NOT NULL,
    reset_password_token character varying,
    sign_in_count integer DEFAULT 0 NOT NULL,
    last_sign_in_ip inet,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL,
    CONSTRAINT users_role_check CHECK ((role = 'A'::bpchar) OR (role = 'M'::bpchar))
);

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

CREATE TABLE public.events (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    name character varying NOT NULL,
    properties jsonb DEFAULT '{}'::jsonb NOT NULL,
    occurred_at timestamp(6) without time zone NOT NULL
)
PARTITION BY RANGE (occurred_at);

CREATE TABLE public.events_2024 (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    name character varying NOT NULL,
    properties jsonb DEFAULT '{}'::jsonb NOT NULL,
    occurred_at timestamp(6) without time zone NOT NULL
);

CREATE TABLE public.events_2025 (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    name character varying NOT NULL,
    properties jsonb DEFAULT '{}'::jsonb NOT NULL,
    occurred_at timestamp(6) without time zone NOT NULL
);

CREATE SEQUENCE public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.events_id_seq OWNED BY public.events.id;

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);

CREATE VIEW public.active_users AS
 SELECT users.id,
    users.email,
    accounts.name AS account_name
   FROM (public.users
     JOIN public.accounts ON ((accounts.id = users.account_id)))
  WHERE (users.sign_in_count > 0);

CREATE MATERIALIZED VIEW public.daily_event_counts AS
 SELECT date_trunc('day'::text, events.occurred_at) AS day,
    count(*) AS events
   FROM public.events
  GROUP BY (date_trunc('day'::text, events.occurred_at))
  WITH NO DATA;

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024 FOR VALUES FROM ('2024-01-01 00:00:00') TO ('2025-01-01 00:00:00');

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2025 FOR VALUES FROM ('2025-01-01 00:00:00') TO ('2026-01-01 00:00:00');

ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);

ALTER TABLE ONLY public.events ALTER COLUMN id SET DEFAULT nextval('public.events_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ar_internal_metadata
    ADD CONSTRAINT ar_internal_metadata_pkey PRIMARY KEY (key);

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id, occurred_at);

ALTER TABLE ONLY public.events_2024
    ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id, occurred_at);

ALTER TABLE ONLY public.events_2025
    ADD CONSTRAINT events_2025_pkey PRIMARY KEY (id, occurred_at);

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);

CREATE UNIQUE INDEX index_users_on_reset_password_token ON public.users USING btree (reset_password_token);

CREATE INDEX index_users_on_account_id ON public.users USING btree (account_id);

CREATE INDEX index_events_on_account_id ON ONLY public.events USING btree (account_id);

CREATE INDEX events_2024_account_id_idx ON public.events_2024 USING btree (account_id);

CREATE INDEX events_2025_account_id_idx ON public.events_2025 USING btree (account_id);

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_2024_pkey;

ALTER INDEX public.index_events_on_account_id ATTACH PARTITION public.events_2024_account_id_idx;

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_2025_pkey;

ALTER INDEX public.index_events_on_account_id ATTACH PARTITION public.events_2025_account_id_idx;

ALTER TABLE ONLY public.users
    ADD CONSTRAINT fk_rails_61ac11da2b FOREIGN KEY (account_id) REFERENCES public.accounts(id);

ALTER TABLE public.events
    ADD CONSTRAINT fk_rails_8c5c9b1b0c FOREIGN KEY (account_id) REFERENCES public.accounts(id);

SET search_path TO "$user", public;

INSERT INTO "schema_migrations" (version) VALUES
('20240301120000'),
('20240115093000');
