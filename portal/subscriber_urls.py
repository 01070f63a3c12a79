from django.urls import URLPattern, URLResolver, path

from portal.subscriber import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("my/", views.dashboard, name="dashboard"),
    path(
        "my/lines/<str:line_id>/exemption-request/",
        views.exemption_request,
        name="exemption_request",
    ),
]
