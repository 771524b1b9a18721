"""Per-package settings of the runtimes. Each generated package gets its own `_settings.py`
(templates/settings.py.j2) from the config; these defaults only let the runtimes here
import and type-check."""

SEED = 1
LOCALE = "en_US"
NULL_RATIO = 0.1
DIALECT = "postgres"
STRICT = True  # [tool.schemagen] strict_rpc (default true): no fakes unless asked for
