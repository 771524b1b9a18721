-- plpgsql bodies within the expression compiler's reach: assignments, IF / ELSIF / ELSE,
-- searched CASE, arithmetic, RETURN. The differential test runs them against PostgreSQL.
CREATE FUNCTION p_tier(spend numeric) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF spend IS NULL THEN
    RETURN 'none';
  ELSIF spend >= 1000 THEN
    RETURN 'gold';
  ELSIF spend >= 100 THEN
    RETURN 'silver';
  ELSE
    RETURN 'bronze';
  END IF;
END $$;

CREATE FUNCTION p_fee(days integer, rate numeric DEFAULT 1.5) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  fee numeric := 0;
  grace integer := 3;
BEGIN
  IF days > grace THEN
    fee := (days - grace) * rate;
  END IF;
  fee := round(fee, 2);
  RETURN fee;
END $$;

CREATE FUNCTION p_assign_cast(x numeric) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  n := x;          -- assignment rounds, as a cast to integer does
  RETURN n * 2;
END $$;

CREATE FUNCTION p_case(a integer, b integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE r integer;
BEGIN
  CASE
    WHEN a > b THEN r := a - b;
    WHEN a < b THEN r := b - a;
    ELSE r := 0;
  END CASE;
  RETURN r / 2;
END $$;

CREATE FUNCTION p_no_else(a integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  CASE WHEN a > 0 THEN RETURN 1; END CASE;
END $$;

CREATE FUNCTION p_query(a integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM generate_series(1, a);
  RETURN n;
END $$;
