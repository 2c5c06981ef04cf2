"""The words the directory filters by: need categories, client groups and ways to attend, with their labels."""

from django.utils.translation import gettext_lazy as _

NEED_CATEGORIES = {
    "domestic-abuse": _("Domestic abuse"),
    "substance-misuse": _("Drugs and alcohol"),
    "mental-health": _("Mental health"),
    "youth-diversion": _("Activities and mentoring for young people"),
    "victim-support": _("Support after a crime"),
    "housing": _("Housing and homelessness"),
    "debt": _("Money and debt"),
    "food": _("Food"),
    "parenting": _("Parenting and family"),
    "education-employment": _("Education, training and work"),
}
CLIENT_GROUPS = {
    "victim": _("Victims of crime"),
    "young_person": _("Young people"),
    "offender": _("People who have offended"),
    "family": _("Families"),
    "adult": _("Adults"),
    "older_person": _("Older people"),
    "carer": _("Carers"),
    "veteran": _("Veterans"),
}
ATTENDANCE_MODES = {
    "in_person": _("In person"),
    "phone": _("By phone"),
    "online": _("Online"),
}
LANGUAGES = {"en": _("English"), "cy": _("Welsh")}
RADII_KM = (1, 3, 5, 10, 25)
