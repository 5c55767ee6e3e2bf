"""Two-factor sign-in pages, under the admin's address (see newsroom/urls.py)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify, name="verify"),
    path("app/", views.add_app, name="add_app"),
    path("passkey/", views.add_passkey, name="add_passkey"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("devices/<slug:kind>/<int:pk>/remove/", views.remove_device, name="remove_device"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:user_id>/reset/", views.reset, name="reset"),
]
