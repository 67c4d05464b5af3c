"""Labels made of several parts, said once.

- `with_title`: "Interview: Coast Guard command, Port Azur" for an activity of kind Interview, and the title alone
  when it already begins with its kind ("Interview: Coast Guard command" typed as the title), so that no page or
  report writes "Interview: Interview: ...".
"""

from django import template

register = template.Library()


def kind_and_title(kind: object, title: object) -> str:
    """The kind, a colon and the title, unless the title already begins with the kind (any case)."""
    kind_text, title_text = str(kind or "").strip(), str(title or "").strip()
    if not kind_text:
        return title_text
    if not title_text:
        return kind_text
    if title_text.casefold().startswith(kind_text.casefold()):
        return title_text
    return f"{kind_text}: {title_text}"


@register.filter
def with_title(kind: object, title: object) -> str:
    """`{{ activity|choice_label:"kind"|with_title:activity.title }}`: see kind_and_title."""
    return kind_and_title(kind, title)
