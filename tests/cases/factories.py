"""Factories of case work. They write rows directly (fast fixtures for lists and counts);
tests of behaviour open and change cases through the services."""

import contextlib
import datetime

import factory
from django.db import connection

from cases.choices import TransitionKind
from cases.models import Assessment, Case, CaseTransition, FollowUp, Goal
from tests.beneficiaries.factories import BeneficiaryFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case of the person's organisation, with its opening transition."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    organisation = factory.LazyAttribute(lambda o: o.beneficiary.organisation)
    opened_on = datetime.date(2024, 2, 1)

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if create:
            CaseTransition.objects.create(
                case=self, kind=TransitionKind.OPENED, on=self.opened_on, by=self.assigned_to
            )


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    assessed_on = factory.LazyAttribute(lambda o: o.case.opened_on)
    needs = factory.LazyFunction(lambda: ["food"])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Objectif {n}")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    due_on = factory.LazyAttribute(lambda o: o.case.opened_on)
    assignee = factory.LazyAttribute(lambda o: o.case.assigned_to)
    action = factory.Sequence(lambda n: f"Appeler la personne ({n})")


@contextlib.contextmanager
def counted_queries():
    """The SQL statements run inside the block (a list, filled as they run). Unlike
    CaptureQueriesContext, it does not depend on the query log that each request resets."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements
