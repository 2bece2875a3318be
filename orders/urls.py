from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/<str:code>/", views.checkout, name="checkout"),
    path("<str:number>/<str:key>/", views.order_detail, name="detail"),
    path("<str:number>/<str:key>/status/", views.order_status, name="status"),
    path("<str:number>/<str:key>/picture.webp", views.order_picture, name="picture"),
    path("<str:number>/<str:key>/data/", views.order_data, name="data"),
    path("<str:number>/<str:key>/erase/", views.order_erase, name="erase"),
]
