"""What one council sync did, in plain words for the log, `mitreden council sync` and staff."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ListReport:
    kind: str  # "paper" or "meeting"
    url: str
    incremental: bool
    objects: int = 0
    deleted: int = 0
    error: str | None = None
    warning: str | None = None


@dataclass
class SyncReport:
    configured: bool
    lists: list[ListReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts_created: list[int] = field(default_factory=list)
    drafts_updated: int = 0
    drafts_removed: int = 0
    corrections: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    messages_cancelled: int = 0
    published: int = 0
    messages_queued: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and all(item.error is None for item in self.lists)

    def lines(self) -> list[str]:
        """The report in plain words, for the log and `mitreden council sync`."""
        if not self.configured:
            return ["No council data configured (MITREDEN_OPARL_SYSTEM_URL is not set)."]
        lines = list(self.errors) + [f"Warning: {warning}" for warning in self.warnings]
        for item in self.lists:
            how = "changes" if item.incremental else "everything"
            if item.error:
                lines.append(
                    f"{item.kind} list {item.url}: stopped after {item.objects} objects: "
                    f"{item.error}. The next run asks again from the same point."
                )
            else:
                lines.append(
                    f"{item.kind} list {item.url} ({how}): {item.objects} objects, "
                    f"{item.deleted} deleted upstream"
                )
            if item.warning:
                lines.append(f"{item.kind} list {item.url}: warning: {item.warning}")
        lines.append(
            f"Drafts: {len(self.drafts_created)} new, {self.drafts_updated} updated, "
            f"{self.drafts_removed} removed; {self.published} published automatically "
            f"({self.messages_queued} messages queued)."
        )
        if self.corrections:
            numbers = ", ".join(str(number) for number in self.corrections)
            lines.append(
                f"A published result changed: correction drafts {numbers} wait for review "
                "(mitreden council drafts)."
            )
        if self.withdrawn:
            numbers = ", ".join(str(number) for number in self.withdrawn)
            lines.append(
                f"Withdrawn, as the council no longer shows them publicly: decisions {numbers} "
                f"({self.messages_cancelled} messages not yet sent were cancelled)."
            )
        return lines
