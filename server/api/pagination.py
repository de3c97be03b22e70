from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N``; ``?page_size=`` up to 200 (default 50)."""

    page_size_query_param = "page_size"
    max_page_size = 200
