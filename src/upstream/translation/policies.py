"""Who may translate, review and publish. Translations are of records' public words, never of personal data.

The directory co-ordinator (who keeps the directory) and the administrator translate, ask for machine
drafts, review, publish and add languages. Reviewing needs a second person for a person's own translation:
whoever wrote it may not also review it (the services say so); a machine draft needs any person's review.
"""

from upstream.core.policy import allow, register_filter, register_scope
from upstream.core.roles import Role
from upstream.translation.models import MachineJob, Translation

TRANSLATION_EDIT = "translation:translation:edit"
TRANSLATION_REVIEW = "translation:translation:review"
TRANSLATION_PUBLISH = "translation:translation:publish"
MACHINE_REQUEST = "translation:machine:request"
LANGUAGE_ADD = "translation:language:add"

STAFF = [Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR]
allow(TRANSLATION_EDIT, STAFF)
allow(TRANSLATION_REVIEW, STAFF)
allow(TRANSLATION_PUBLISH, STAFF)
allow(MACHINE_REQUEST, STAFF)
allow(LANGUAGE_ADD, STAFF)

register_scope(Translation, lambda _actor, _translation: True)
register_filter(Translation, lambda _actor, queryset: queryset)
register_scope(MachineJob, lambda _actor, _job: True)
register_filter(MachineJob, lambda _actor, queryset: queryset)
