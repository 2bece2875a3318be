from django.urls import path

from configurator import views

app_name = "configurator"

urlpatterns = [
    path("", views.product_list, name="product_list"),
]
