"""Step navigation for multi-step flows (after manage.get.gov's steps helper): the steps are declared
once as a list, and next / previous / position come from here instead of `index + 1` in each flow."""


class Steps:
    def __init__(self, ids):
        self.ids = list(ids)
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("step ids must be unique")

    def __len__(self):
        return len(self.ids)

    def __contains__(self, step_id):
        return step_id in self.ids

    def __iter__(self):
        return iter(self.ids)

    @property
    def first(self):
        return self.ids[0] if self.ids else None

    @property
    def last(self):
        return self.ids[-1] if self.ids else None

    def index(self, step_id):
        """0-based position; LookupError for an unknown step (a view answers 404)."""
        try:
            return self.ids.index(step_id)
        except ValueError:
            raise LookupError(step_id) from None

    def next(self, step_id):
        position = self.index(step_id)
        return self.ids[position + 1] if position + 1 < len(self.ids) else None

    def previous(self, step_id):
        position = self.index(step_id)
        return self.ids[position - 1] if position > 0 else None

    def is_last(self, step_id):
        return step_id == self.last

    def position(self, step_id):
        """(number from 1, total) for "step 2 of 5"."""
        return self.index(step_id) + 1, len(self.ids)

    def first_missing(self, done):
        """The first step not in `done` (a set of ids), or None when every step is done."""
        return next((step_id for step_id in self.ids if step_id not in done), None)
