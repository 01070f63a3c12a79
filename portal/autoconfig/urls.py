from django.urls import URLPattern, URLResolver, path

from portal.autoconfig import views

urlpatterns: list[URLPattern | URLResolver] = [
    # Thunderbird asks the domain's well-known URL and the autoconfig.<domain> host.
    path(
        ".well-known/autoconfig/mail/config-v1.1.xml",
        views.thunderbird,
        name="autoconfig_thunderbird",
    ),
    path("mail/config-v1.1.xml", views.thunderbird, name="autoconfig_thunderbird_host"),
    # Outlook spells the path both ways; URLs are case-sensitive.
    path("autodiscover/autodiscover.xml", views.autodiscover, name="autodiscover"),
    path("Autodiscover/Autodiscover.xml", views.autodiscover, name="autodiscover_capitalised"),
    path("my/mail-profile/<str:address>.mobileconfig", views.mail_profile, name="mail_profile"),
]
