"""Typed SQLAlchemy models, split by the part of the product they serve."""

from .base import utcnow
from .collection import Answer, Invitation, LinkVisit, PowerMapRating, Response
from .people import Participant, participant_account
from .privacy import NoticeAnswer, PrivacyEvent, StudyPrivacy
from .study import Account, Study, StudyMember, User, Vendor, Wave
from .throttle import RateCounter

__all__ = [
    "Account",
    "Answer",
    "Invitation",
    "LinkVisit",
    "NoticeAnswer",
    "Participant",
    "PowerMapRating",
    "PrivacyEvent",
    "RateCounter",
    "Response",
    "Study",
    "StudyMember",
    "StudyPrivacy",
    "User",
    "Vendor",
    "Wave",
    "participant_account",
    "utcnow",
]
