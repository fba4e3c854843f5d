"""Page-numbered lists that stay fast at the far end of a large directory."""

from django.core.paginator import Paginator


class ReversiblePaginator(Paginator):
    """A Paginator that reads pages past the middle from the end of the ordering.

    OFFSET makes PostgreSQL walk every row before the page, so the Last page of
    100,000 people would cost a full index scan. Pages past the middle read the
    reversed ordering with the offset counted from the end. So the last page is as
    cheap as the first, and the middle page is the most expensive. `object_list` must be a queryset with a total
    order, such as user names that are unique per organization.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        from_end = self.count - top
        rows = list(self.object_list.reverse()[from_end : from_end + (top - bottom)])
        rows.reverse()
        return self._get_page(rows, number, self)
