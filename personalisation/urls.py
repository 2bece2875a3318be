"""The shopper's personalisation pages (under the language prefix)."""

from django.urls import URLPattern, URLResolver, path

from personalisation import guided_views, returning_views

app_name = "personalisation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("p/<slug:code>/questions/", guided_views.guided, name="guided"),
    path("sign-in/", returning_views.signin_request, name="signin"),
    path("sign-in/<str:token>/", returning_views.signin_confirm, name="signin_confirm"),
    path("remember/<str:number>/<str:key>/", returning_views.remember, name="remember"),
    path("my-data/", returning_views.my_data, name="my_data"),
    path("my-data/download/", returning_views.my_data_download, name="my_data_download"),
    path("my-data/delete/", returning_views.my_data_delete, name="my_data_delete"),
    path("my-data/personalisation/", returning_views.my_data_personalise, name="my_data_personalise"),
    path("sign-out/", returning_views.sign_out, name="sign_out"),
]
