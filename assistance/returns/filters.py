"""The FilterSet of return cases (the API's list)."""

import django_filters

from assistance.returns.models import ReturnCase


class ReturnCaseFilter(django_filters.FilterSet):
    class Meta:
        model = ReturnCase
        fields = ["stage", "direction", "country"]
