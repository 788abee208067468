"""One pagination for every list of the API."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`: 50 a page by default, 200 at most (phones on slow networks)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
