"""Check kinds: generic, configured by YAML rules. Registered here, in one place.

A check kind module defines KIND, PARAMS_SCHEMA (JSON Schema of its `params`), MESSAGE_FIELDS
(the {placeholders} its outcomes fill, besides the report's own: year, agency, title, edition,
doc_type; a `name_en` variant fills `{name}` in message_en), optionally
`prepare(params)` (load-time validation, e.g. compiling patterns; raise ValueError), and
`check(report, rule, ctx) -> Outcome`."""

from . import (date_deadline, section_nonempty, sections_present, stated_time_limit, text_absent, text_present,
               year_consistency)
from . import table_assertion, table_present  # noqa: E402  (statistical tables, issue 4)

KINDS = {m.KIND: m for m in (sections_present, section_nonempty, text_present, text_absent, year_consistency,
                             date_deadline, stated_time_limit)}
KINDS.update({m.KIND: m for m in (table_present, table_assertion)})
