CALL seed_tenant('acme', 'Acme Corp');
CALL seed_tenant('globex', 'Globex');
