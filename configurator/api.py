"""The configure API (DESIGN §4): parse, call a service, render. OpenAPI at /api/docs/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import CatalogVersion
from catalog.selectors import listed_versions, version_latest_cached
from config.serializers import InputSerializer
from configurator import services
from configurator.engine.model import Group, Parameter, Product, TextField
from configurator.loading import version_model, version_serving
from configurator.pages.steps import OTHER

LANG = OpenApiParameter(
    "lang", str, description="Language of names and messages: en (default) or it; other values fall back to en."
)

STEP = OpenApiParameter(
    "step",
    str,
    description="Answer only the groups, parameters and texts of this step: a section's code, or `other` for"
    " those in no section (the page's steps). Validity, violations and the price stay the whole product's."
    " Unknown steps answer 400.",
)


def api_language(request: Request) -> str:
    """Return the language `?lang=` asks for when the site has it, else the request's, else the default."""
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in (request.query_params.get("lang"), get_language()):
        code = (candidate or "").split("-")[0].lower()
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE).split("-")[0]


def _version(code: str) -> CatalogVersion:
    version = version_latest_cached(code)
    if version is None or not version.product.active:
        raise NotFound({"code": [f"no published product '{code}'"]})
    return version_serving(version)


def _step_codes(product: Product, step: str) -> frozenset[str]:
    """Return the codes of the fields on `step` (a section, or OTHER); raise a 400 naming `step` if unknown."""
    sections = [section.code for section in product.sections]
    fields: list[Group | Parameter | TextField] = [*product.groups, *product.parameters, *product.texts]
    steps = [*sections, OTHER] if any(f.section not in sections for f in fields) else sections
    if step not in steps:
        raise ValidationError({"step": [f"unknown step '{step}': use one of {', '.join(steps)}"]})
    return frozenset(f.code for f in fields if (f.section if f.section in sections else OTHER) == step)


def _on_step(request: Request, version: CatalogVersion, answer: dict[str, Any]) -> dict[str, Any]:
    """Keep only the fields of the step `?step=` names (all of them without it)."""
    step = request.query_params.get("step")
    if step is None:
        return answer
    shown = _step_codes(version_model(version), step)
    for key in ("groups", "parameters", "texts"):
        answer[key] = [field for field in answer[key] if field["code"] in shown]
    return answer


class SelectionInput(InputSerializer):
    """A configuration: decisions by group, parameter and text field code; what is absent is open."""

    selections = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        help_text="group code -> option code, list of codes, or null",
    )
    parameters = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, help_text="parameter code -> decimal"
    )
    texts = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False), required=False
    )


class WantedInput(InputSerializer):
    """The option the shopper wants."""

    group = serializers.CharField(min_length=1, max_length=200)
    option = serializers.CharField(min_length=1, max_length=200)


class ResolveInput(SelectionInput):
    """A configuration and the option the shopper wants."""

    wanted = WantedInput()


class ReasonOutput(serializers.Serializer):  # type: ignore[type-arg]
    rule = serializers.CharField(required=False, help_text="the rule's code, when a rule is the reason")
    selection = serializers.CharField(required=False, help_text="the group, parameter or text the shopper set")
    message = serializers.CharField()


class OptionOutput(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    available = serializers.BooleanField()
    reasons = ReasonOutput(many=True, required=False)


class GroupOutput(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["choice", "multi"])
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field named like a Field attribute (stubs)
    selected = serializers.ListField(child=serializers.CharField())
    options = OptionOutput(many=True)


class ParameterOutput(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    step = serializers.DecimalField(max_digits=12, decimal_places=4)
    min = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    max = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class PriceLineOutput(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=["base", "option", "rule"])
    code = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute (stubs)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PriceOutput(serializers.Serializer):  # type: ignore[type-arg]
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    lines = PriceLineOutput(many=True)


class WarningOutput(serializers.Serializer):  # type: ignore[type-arg]
    """A plausibility warning: advice on unusual measurements; it never blocks ordering."""

    rule = serializers.CharField(help_text="the warning rule's code")
    parameters = serializers.ListField(child=serializers.CharField(), help_text="the parameters it names")
    message = serializers.CharField()


class Answer(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField()
    complete = serializers.BooleanField()
    version = serializers.IntegerField()
    groups = GroupOutput(many=True)
    parameters = ParameterOutput(many=True)
    violations = ReasonOutput(many=True)
    warnings = WarningOutput(
        many=True,
        help_text="Warning rules whose condition is false on the given values (evaluated once every value"
        " they name is given): unusual measurements to check. They never change validity or availability.",
    )
    price = PriceOutput()


class ChangeOutput(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=["group", "parameter", "text"])
    code = serializers.CharField()
    to = serializers.ListField(child=serializers.CharField())

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.ListField(child=serializers.CharField())
        return fields


class ResolveAnswer(serializers.Serializer):  # type: ignore[type-arg]
    possible = serializers.BooleanField()
    changes = ChangeOutput(many=True)
    configuration = SelectionInput(allow_null=True)


class ExplainAnswer(serializers.Serializer):  # type: ignore[type-arg]
    group = serializers.CharField()
    option = serializers.CharField()
    available = serializers.BooleanField()
    reasons = ReasonOutput(many=True)


class CompleteAnswer(Answer):
    configuration = SelectionInput(allow_null=True)
    texts_needed = serializers.ListField(child=serializers.CharField(), required=False)


def _parsed(serializer: serializers.Serializer) -> dict[str, Any]:  # type: ignore[type-arg]
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ProductListView(APIView):
    throttle_scope = "api_read"

    @extend_schema(
        parameters=[LANG],
        responses=inline_serializer(
            "ProductSummary",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "currency": serializers.CharField(),
                "base_price": serializers.DecimalField(max_digits=12, decimal_places=2),
                "version": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        """List the published products."""
        language = api_language(request)
        out = []
        # From the fields publishing stored on each version: no engine model is built.
        for version in listed_versions():
            out.append(
                {
                    "code": version.product.code,
                    "name": version.label(language),
                    "currency": version.currency,
                    "base_price": format(version.base_price, "f"),
                    "version": version.number,
                }
            )
        return Response(out)


class ProductDetailView(APIView):
    throttle_scope = "api_read"

    @extend_schema(
        parameters=[LANG], responses=inline_serializer("ProductModel", {"version": serializers.IntegerField()})
    )
    def get(self, request: Request, code: str) -> Response:
        """Return the published model of a product (the catalog exchange format) and its version."""
        version = _version(code)
        return Response({"version": version.number, "published_at": version.published_at, **version.snapshot})


class ConfigureView(APIView):
    throttle_scope = "api_configure"

    @extend_schema(request=SelectionInput, responses={200: Answer}, parameters=[LANG, STEP])
    def post(self, request: Request, code: str) -> Response:
        """Propagate a selection: availability with reasons, parameter ranges, validity, price."""
        version = _version(code)
        data = _parsed(SelectionInput(data=request.data))
        answer = services.configuration_propagate(version, data, api_language(request))
        return Response(_on_step(request, version, answer))


class CompleteView(APIView):
    throttle_scope = "api_configure"

    @extend_schema(request=SelectionInput, responses={200: CompleteAnswer}, parameters=[LANG, STEP])
    def post(self, request: Request, code: str) -> Response:
        """Complete a selection with defaults and first available options ("finish for me")."""
        version = _version(code)
        data = _parsed(SelectionInput(data=request.data))
        answer = services.configuration_complete(version, data, api_language(request))
        return Response(_on_step(request, version, answer))


class ResolveView(APIView):
    throttle_scope = "api_configure"

    @extend_schema(request=ResolveInput, responses={200: ResolveAnswer}, parameters=[LANG])
    def post(self, request: Request, code: str) -> Response:
        """Propose the fewest changes that make a wanted option possible ("choose anyway")."""
        version = _version(code)
        data = _parsed(ResolveInput(data=request.data))
        wanted = data.pop("wanted")
        return Response(
            services.configuration_resolve(version, data, wanted["group"], wanted["option"], api_language(request))
        )


class ExplainView(APIView):
    throttle_scope = "api_configure"

    @extend_schema(request=ResolveInput, responses={200: ExplainAnswer}, parameters=[LANG])
    def post(self, request: Request, code: str) -> Response:
        """Return a minimal set of rules and choices that exclude the `wanted` option."""
        version = _version(code)
        data = _parsed(ResolveInput(data=request.data))
        wanted = data.pop("wanted")
        return Response(
            services.configuration_explain(version, data, wanted["group"], wanted["option"], api_language(request))
        )
