from django.conf import settings


def site(request):
    """The publication's name and public origin, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
