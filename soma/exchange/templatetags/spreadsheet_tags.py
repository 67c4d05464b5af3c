from django import template

register = template.Library()


@register.inclusion_tag("exchange/_spreadsheets_section.html", takes_context=True)
def spreadsheets_section(context):
    """The Excel part of the Exchange tab: it reads what it shows through the selectors, for the signed-in user."""
    from soma.exchange.spreadsheets.views import section_context

    request, assessment = context["request"], context["assessment"]
    return {"request": request, "assessment": assessment, "can_edit": context.get("can_edit"),
            "csrf_token": context.get("csrf_token"), **section_context(request, assessment)}
