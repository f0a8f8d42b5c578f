"""Names vulture cannot see used: framework hooks called by name (SQLAlchemy, aiohttp, Alembic, pydantic).

Keep it short: a name lands here only when a framework, not our code, calls it. Anything else that
vulture reports is dead code to delete (or to call). Vulture only parses this module; nothing runs it.
"""
# ruff: noqa: B018

from jieba import Tokenizer

import knowledge_base
from bot.bench.triage import measure
from bot.services.rota_requests import MyRequest
from bot.storage.models import Handoff
from bot.storage.rota_tables import SwapRow
from bot.web.admin.board import BoardRow
from bot.web.admin.board_presence import PresenceRow
from bot.web.admin.calendar import HourCell, Shift
from bot.web.admin.charts import Bar, Tick
from bot.web.admin.report_pages import Figure
from bot.web.admin.rota_pages import CalendarNav, FailedForm
from bot.web.console_rota import RequestLine
from bot.web.layout import Frame
from triage.training.recalibrate import recalibrate

# Fields read only by the Jinja templates under bot/web/templates (admin pages, chart.svg, base.html).
BoardRow.opened
BoardRow.next_step_in
BoardRow.assignable
BoardRow.level_label
BoardRow.state_label
PresenceRow.says
Shift.layer_words
HourCell.clashing
Tick.label_y
Bar.value_y
Figure.chart
RequestLine.can_answer  # console_shifts.html
RequestLine.can_withdraw
MyRequest.last_moment  # leave_requests_queue.html
CalendarNav.switch
FailedForm.typed
Frame.stylesheets
Frame.body_class

# Columns written for the stored record (read by SQL and reports, the migrations own the schema).
Handoff.offered_at
SwapRow.decided_at

# jieba reads the tokenizer's tmp_dir (where it caches its dictionary); we only set it.
Tokenizer.tmp_dir

# Called by name: `hotline bench triage` runs measure in a child process from a code string;
# recalibrate is run by hand to re-fit the shipped calibration (triage/model/MODEL_CARD.md cites it).
measure
recalibrate

# Python calls a module's __getattr__ for a name it lacks (PEP 562: the package's lazy imports).
knowledge_base.__getattr__

# transformers reads this flag of its own; set to keep scikit-learn out of start-up (triage/classifier.py).
from transformers.utils import import_utils  # noqa: E402

import_utils._sklearn_available
