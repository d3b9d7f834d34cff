"""The API's page numbers."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class PageNumbers(PageNumberPagination):
    """`?page=` with no number is refused like any other invalid page (404), as the schema says (an integer),
    instead of being read as page 1."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message.format(page_number="", message=""))
        return super().get_page_number(request, paginator)
