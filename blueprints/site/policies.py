"""Who may follow a background job: the person who started it, and administrators."""

from typing import Any

from blueprints.admin.policies import ADMINISTER
from blueprints.core.models import Job


def may_follow(job: Job, person: Any) -> bool:
    """The job's own starter, or an admin."""
    return job.created_by_id == person.id or ADMINISTER(person)
