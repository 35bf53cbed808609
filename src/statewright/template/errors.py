"""TemplateError: why a template cannot be run, naming the resource and the field at fault."""

from __future__ import annotations


class TemplateError(Exception):
    """A template that CloudFormation would reject (or that cannot run locally), with where it is wrong.

    `resource` is a logical id (or a parameter, condition or output name, said in the message) and
    `field` a dotted path inside it (`Properties.Environment.Variables.TABLE`), so the message points
    at the line the user has to change.
    """

    def __init__(self, message: str, resource: str | None = None, field: str | None = None) -> None:
        self.message = message
        self.resource = resource
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ".".join(part for part in (self.resource, self.field) if part)
        return f"{where}: {self.message}" if where else self.message

    def at(self, resource: str | None, field: str | None = None) -> TemplateError:
        """The same error, placed at `resource`/`field` where it does not know its place yet."""
        if self.resource is not None and self.field is not None:
            return self
        return TemplateError(self.message, self.resource if self.resource is not None else resource,
                             self.field if self.field is not None else field)
