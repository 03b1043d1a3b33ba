"""Sending a screen: only to devices that say they draw APL, as ask-sdk-model's directive.

ask-sdk-model's APL package (every APL command and component model, about 24 ms to import) is
loaded with the first screen, not with the skill: a cold start answering a speaker without a
screen does not pay it (#16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ask_sdk_model.request_envelope import RequestEnvelope

from shared.reply import Reply
from skill.apl.documents import document
from skill.apl.screens import Screen, screen_for
from skill.ssml import Speech

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive import (
        RenderDocumentDirective,
    )

DATASOURCE = "coach"  # the documents' mainTemplate parameter


def supports_apl(envelope: RequestEnvelope) -> bool:
    """Whether the device's supportedInterfaces include Alexa.Presentation.APL."""
    system = envelope.context.system if envelope.context else None
    device = system.device if system else None
    interfaces = device.supported_interfaces if device else None
    return interfaces is not None and interfaces.alexa_presentation_apl is not None


def render_directive(screen: Screen) -> RenderDocumentDirective:
    """The RenderDocument for a screen: its document, and its data as the one datasource."""
    from ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive import (
        RenderDocumentDirective,
    )

    return RenderDocumentDirective(
        token=screen.token,
        document=document(screen.document),
        datasources={DATASOURCE: {"type": "object", "properties": screen.data}},
    )


def screen_directive(
    reply: Reply, speech: Speech, locale: str, streak: Callable[[], int | None]
) -> RenderDocumentDirective:
    """The screen for a reply, as its directive; `streak` is asked only for the wrap-up."""
    return render_directive(screen_for(reply, speech, locale, streak))
