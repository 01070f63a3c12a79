from django.urls import URLPattern, URLResolver, path

from portal import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notice, name="notice"),
    path("check/", views.checker, name="checker"),
    path("healthz", views.healthz, name="healthz"),
]
