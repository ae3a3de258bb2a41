"""The OpenAPI rows of a ticket's files (services/intake/attachments.py), for openapi.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .attachment_views import AttachmentList

Json = Callable[[type[BaseModel], str], dict[str, Any]]
Error = Callable[[str], dict[str, Any]]


def attachment_paths(
    number: dict[str, Any], token: dict[str, Any], _json: Json, _error: Error
) -> dict[str, Any]:
    """Files on a ticket (services/intake/attachments.py): staff by bearer token, the
    requester by the status token; to anyone else a ticket's files do not exist (404)."""
    who = [number, {**token, "required": False}]
    upload = {
        "type": "object",
        "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "public": {"type": "string", "enum": ["true", "false"], "default": "true"},
        },
        "required": ["file"],
    }
    return {
        "/api/v1/tickets/{number}/attachments": {
            "post": {
                "summary": "Attach files (multipart field `file`, up to five at once): the "
                "requester's are public, staff choose with `public`",
                "parameters": who,
                "security": [{"staffToken": []}, {}],
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": upload}},
                },
                "responses": {
                    "201": _json(AttachmentList, "the files added, each with its `url`"),
                    "401": _error("no credentials, or a token nobody issued"),
                    "404": _error("no such ticket, or wrong status token"),
                    "413": _error("a file, or the request, over the size limit"),
                    "422": _error("no file, an empty one, or more than the ticket may hold"),
                    "503": _error("this installation keeps no attachments"),
                },
            },
            "get": {
                "summary": "A ticket's files: every one for staff, the public ones for the "
                "requester",
                "parameters": who,
                "security": [{"staffToken": []}, {}],
                "responses": {
                    "200": _json(AttachmentList, "the files, oldest first"),
                    "401": _error("no credentials, or a token nobody issued"),
                    "404": _error("no such ticket, or wrong status token"),
                },
            },
        },
        "/api/v1/tickets/{number}/attachments/{attachment_id}": {
            "get": {
                "summary": "Download a file: `Content-Disposition: attachment`, always "
                "`application/octet-stream`, never cached",
                "parameters": [
                    *who,
                    {
                        "name": "attachment_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "security": [{"staffToken": []}, {}],
                "responses": {
                    "200": {
                        "description": "the file's bytes",
                        "content": {"application/octet-stream": {}},
                    },
                    "401": _error("a bearer token nobody issued"),
                    "404": _error("no such file, or not yours to see"),
                },
            }
        },
    }
