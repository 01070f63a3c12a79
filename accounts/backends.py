"""Password login, reading a user's customer account with them.

Every subscriber page needs the subscriber behind the login (portal/subscriber/access.py):
reading it in the same query as the user saves a query on each of them. Staff have no
account; the outer join costs them nothing.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("subscriber").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
