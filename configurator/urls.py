from django.urls import path

from configurator import views

app_name = "configurator"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("p/<slug:code>/", views.configure, name="configure"),
    path("p/<slug:code>/save", views.save, name="save"),
    path("c/<str:code>/", views.saved, name="saved"),
]
