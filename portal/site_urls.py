from django.urls import path

from portal import views

urlpatterns = [
    path("", views.notice, name="notice"),
    path("healthz", views.healthz, name="healthz"),
]
