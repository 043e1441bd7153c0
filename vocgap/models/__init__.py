"""Typed SQLAlchemy models, split by the part of the product they serve."""

from .base import utcnow
from .collection import Answer, Invitation, LinkVisit, PowerMapRating, Response
from .people import Participant, participant_account
from .study import Account, Study, StudyMember, User, Vendor, Wave
from .throttle import RateCounter
from .verbatims import CodingFrame, Theme, VerbatimCode

__all__ = [
    "Account",
    "Answer",
    "CodingFrame",
    "Invitation",
    "LinkVisit",
    "Participant",
    "PowerMapRating",
    "RateCounter",
    "Response",
    "Study",
    "StudyMember",
    "Theme",
    "User",
    "Vendor",
    "VerbatimCode",
    "Wave",
    "participant_account",
    "utcnow",
]
