"""Imports every area's models: the one place SQLAlchemy and Alembic see the whole schema."""

from trainer.attendance.models import *  # noqa: F403
from trainer.auth.models import *  # noqa: F403
from trainer.declarations.models import *  # noqa: F403
from trainer.evaluations.models import *  # noqa: F403
from trainer.imports.models import *  # noqa: F403
from trainer.kits.models import *  # noqa: F403
from trainer.main.models import *  # noqa: F403
from trainer.people.models import *  # noqa: F403
from trainer.referential.models import *  # noqa: F403
from trainer.sessions.models import *  # noqa: F403
