"""The orders API for headless shops and the factory API (DESIGN §5): parse, call, render."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import version_latest_for
from config.serializers import InputSerializer
from configurator.api import SelectionInput, api_language
from configurator.loading import version_serving
from orders import selectors, services
from orders.authentication import FactoryTokenAuthentication, IsFactory, request_factory
from orders.models import Order, OrderStatus

#: a feed cursor or page size: ASCII digits only ("²".isdigit() is true), small enough for a bigint
_CURSOR = re.compile(r"[0-9]{1,18}")

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string per order (a UUID): a retry with the same key answers the same order.",
)


class CustomerInput(InputSerializer):
    """Who the order is for and where it goes."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    address = serializers.CharField(max_length=2000)


class OrderInput(SelectionInput):
    """A complete configuration of a product and its customer."""

    product = serializers.CharField(max_length=64)
    customer = CustomerInput()
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class OrderOutput(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    build_order_id = serializers.UUIDField()
    url = serializers.CharField(help_text="The shopper's secret link to the order page.")


def _order_data(request: Request, order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "total": format(order.total, "f"),
        "currency": order.currency,
        "build_order_id": str(order.build_order.public_id),
        "url": request.build_absolute_uri(order.get_absolute_url()),
    }


class OrderCreateView(APIView):
    throttle_scope = "orders"

    @extend_schema(
        request=OrderInput,
        parameters=[IDEMPOTENCY],
        responses={201: OrderOutput, 422: OpenApiResponse(description="The Idempotency-Key was used before.")},
    )
    def post(self, request: Request) -> Response:
        """Place an order for a complete valid configuration (guest checkout, no payment)."""
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key is not None and len(key) > 200:
            raise ValidationError({"Idempotency-Key": ["at most 200 characters"]})
        if key is not None and not (key.isascii() and key.isprintable()):
            raise ValidationError({"Idempotency-Key": ["printable ASCII characters only"]})
        serializer = OrderInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = version_latest_for(data["product"])
        if version is None or not version.product.active:
            raise NotFound({"product": [f"no published product '{data['product']}'"]})
        placement = services.order_place(
            # The version the configure API answers on (the newest one ready), validated exactly:
            # a version published a moment ago compiles in the background, not in this request.
            version=version_serving(version),
            data=data,
            customer=services.Customer(
                name=data["customer"]["name"],
                email=data["customer"]["email"],
                address=data["customer"]["address"],
            ),
            language=api_language(request),
            notes=data.get("notes", ""),
            idempotency_key=key,
            fingerprint=services.request_fingerprint(request.data),
        )
        headers = {} if placement.created else {"Idempotent-Replayed": "true"}
        return Response(_order_data(request, placement.order), status=201, headers=headers)


class FactoryView(APIView):
    authentication_classes = [FactoryTokenAuthentication]
    permission_classes = [IsFactory]


class FactoryFeedView(FactoryView):
    @extend_schema(
        parameters=[
            OpenApiParameter("after", str, description="The `next_cursor` of the previous page; omit to start."),
            OpenApiParameter("limit", int, description="At most this many build orders (default and maximum 100)."),
        ],
        responses=inline_serializer(
            "FactoryFeedPage",
            {
                "results": serializers.ListField(child=serializers.DictField()),
                "next_cursor": serializers.CharField(),
                "has_more": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        """Return build orders after a cursor, in a stable order that never skips or repeats one."""
        after_raw = request.query_params.get("after", "0") or "0"
        limit_raw = request.query_params.get("limit", str(settings.ORDERS_FEED_PAGE_SIZE))
        if not _CURSOR.fullmatch(after_raw):
            raise ValidationError({"after": ["a cursor is the next_cursor of a previous page"]})
        if not _CURSOR.fullmatch(limit_raw) or not 1 <= int(limit_raw) <= settings.ORDERS_FEED_PAGE_SIZE:
            raise ValidationError({"limit": [f"a number from 1 to {settings.ORDERS_FEED_PAGE_SIZE}"]})
        # Orders committed since the last poll get their positions now, after every visible one.
        services.feed_positions_assign()
        after, limit = int(after_raw), int(limit_raw)
        page = selectors.feed_page(endpoint=request_factory(request).endpoint, after=after, limit=limit + 1)
        results = [{**b.payload, "cursor": str(b.feed_position), "status": b.order.status} for b in page[:limit]]
        next_cursor = results[-1]["cursor"] if results else str(after)
        return Response({"results": results, "next_cursor": next_cursor, "has_more": len(page) > limit})


class StatusInput(InputSerializer):
    """A build order's new status; a rejection needs a reason."""

    status = serializers.ChoiceField(
        choices=[OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.REJECTED]
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FactoryStatusView(FactoryView):
    @extend_schema(
        request=StatusInput,
        responses={
            200: inline_serializer(
                "FactoryStatusAnswer",
                {
                    "build_order_id": serializers.UUIDField(),
                    "order_number": serializers.CharField(),
                    "status": serializers.CharField(),
                    "changed": serializers.BooleanField(),
                },
            ),
            409: OpenApiResponse(description="The order's status does not allow this change."),
        },
    )
    def post(self, request: Request, build_order_id: str) -> Response:
        """Report a build order's status (accepted, in_production, shipped, rejected with a reason)."""
        build_order = selectors.build_order_for_factory(str(build_order_id), endpoint=request_factory(request).endpoint)
        if build_order is None:  # unknown, or another factory's: the same answer
            raise NotFound({"build_order_id": [f"no build order '{build_order_id}'"]})
        serializer = StatusInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["status"] == OrderStatus.REJECTED and not data["reason"].strip():
            raise ValidationError({"reason": ["a rejection needs a reason"]})
        changed = services.order_status_set(
            order_id=build_order.order_id,
            status=data["status"],
            reason=data["reason"],
            source=f"factory:{request_factory(request).name}",
        )
        build_order.order.refresh_from_db(fields=["status"])
        return Response(
            {
                "build_order_id": str(build_order.public_id),
                "order_number": build_order.order.number,
                "status": build_order.order.status,
                "changed": changed,
            }
        )
