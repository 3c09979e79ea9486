"""All tables, imported here so Alembic and create_all see every one."""

from storage.models.admin_content import FlowDraft, NluDataVersion
from storage.models.civic import (
    ConsentRecord,
    Consultation,
    ConsultationQuestion,
    Decision,
    Idea,
    IdeaStatusChange,
    IdeaSupport,
    Participation,
    ParticipationAnswer,
    Question,
    Subscription,
    Topic,
    decision_consultations,
    decision_ideas,
)
from storage.models.core import (
    ChannelIdentity,
    Citizen,
    Conversation,
    FlowVersion,
    OutboxMessage,
    ProcessedInbound,
)
from storage.models.council import (
    CouncilAgendaItem,
    CouncilConsultation,
    CouncilPaper,
    CouncilSyncState,
)
from storage.models.delivery import Announcement
from storage.models.lifecycle import ConsultationNotice, ParticipationReminder
from storage.models.newcomers import NewcomerState
from storage.models.report_forwarding import ReportForwarding, ReportForwardingStart
from storage.models.reports import (
    Report,
    ReportCategory,
    ReportFollower,
    ReportPhotoFile,
    ReportPhotoRelease,
    ReportSetting,
    ReportStatusChange,
)
from storage.models.staff import AuditEntry, LoginThrottle, SiteText, StaffAccount, StaffSession
from storage.models.understanding import UnclearMessage
from storage.models.web_chat import WebChatKey

__all__ = [
    "Announcement",
    "AuditEntry",
    "ChannelIdentity",
    "Citizen",
    "ConsentRecord",
    "Consultation",
    "ConsultationNotice",
    "ConsultationQuestion",
    "Conversation",
    "CouncilAgendaItem",
    "CouncilConsultation",
    "CouncilPaper",
    "CouncilSyncState",
    "Decision",
    "FlowDraft",
    "FlowVersion",
    "Idea",
    "IdeaStatusChange",
    "IdeaSupport",
    "LoginThrottle",
    "NewcomerState",
    "NluDataVersion",
    "OutboxMessage",
    "Participation",
    "ParticipationAnswer",
    "ParticipationReminder",
    "ProcessedInbound",
    "Question",
    "Report",
    "ReportCategory",
    "ReportFollower",
    "ReportForwarding",
    "ReportForwardingStart",
    "ReportPhotoFile",
    "ReportPhotoRelease",
    "ReportSetting",
    "ReportStatusChange",
    "SiteText",
    "StaffAccount",
    "StaffSession",
    "Subscription",
    "Topic",
    "UnclearMessage",
    "WebChatKey",
    "decision_consultations",
    "decision_ideas",
]
