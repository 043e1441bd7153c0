"""Typed SQLAlchemy models, split by the part of the product they serve."""

from .actions import Action
from .alerts import Alert, AlertSettings, OwnerNotice
from .base import utcnow
from .collection import Answer, Invitation, LinkVisit, PowerMapRating, Response
from .people import Participant, participant_account
from .privacy import NoticeAnswer, PrivacyEvent, StudyPrivacy
from .study import Account, Study, StudyMember, User, Vendor, Wave
from .throttle import RateCounter
from .verbatims import CodingFrame, Theme, VerbatimCode

__all__ = [
    "Account",
    "Action",
    "Alert",
    "AlertSettings",
    "Answer",
    "CodingFrame",
    "Invitation",
    "LinkVisit",
    "NoticeAnswer",
    "OwnerNotice",
    "Participant",
    "PowerMapRating",
    "PrivacyEvent",
    "RateCounter",
    "Response",
    "Study",
    "StudyMember",
    "StudyPrivacy",
    "Theme",
    "User",
    "Vendor",
    "VerbatimCode",
    "Wave",
    "participant_account",
    "utcnow",
]
