"""Order writes through the client keep the customer's aggregates and tstamp true."""

from test_orders_crud import CAROL, new_order


def product(name, category, price, quantity):
    return {
        "externalid": f"P-{name}",
        "name": name,
        "price": price,
        "quantity": quantity,
        "category": category,
    }


def test_new_customer_starts_at_zero(ac):
    customer = ac.customers.get(CAROL)
    assert customer.totalRevenue == 0
    assert customer.totalOrders == 0
    assert customer.totalProducts == 0
    assert customer.avgProductCategory == ""


def test_create_updates_aggregates_and_tstamp(ac):
    order = ac.orders.create(new_order())
    customer = ac.customers.get(CAROL)
    assert customer.totalRevenue == 5000
    assert customer.totalOrders == 1
    assert customer.totalProducts == 2
    assert customer.avgRevenuePerOrder == 5000
    assert customer.avgProductCategory == "Books"
    assert customer.raw["tstamp"] == order.raw["tstamp"]


def test_second_order_changes_average_and_category(ac):
    ac.orders.create(new_order())
    ac.orders.create(
        new_order(
            externalid="O-901",
            orderProducts=[
                product("Kind of Blue", "Music", 2999, 1),
                product("Blue Train", "Music", 2799, 1),
                product("Giant Steps", "Music", 2899, 1),
            ],
            totalPrice=8697,
        )
    )
    customer = ac.customers.get(CAROL)
    assert customer.totalRevenue == 13697
    assert customer.totalOrders == 2
    assert customer.totalProducts == 5
    assert customer.avgRevenuePerOrder == 13697 // 2
    assert customer.avgProductCategory == "Music"


def test_update_recomputes_and_stamps(ac):
    order = ac.orders.create(new_order())
    updated = ac.orders.update(order.id, totalPrice=7000)
    customer = ac.customers.get(CAROL)
    assert customer.totalRevenue == 7000
    assert customer.raw["tstamp"] == updated.raw["tstamp"]


def test_moving_order_to_other_customer_recomputes_both(ac):
    order = ac.orders.create(new_order())
    before = ac.customers.get(1).totalRevenue
    ac.orders.update(order.id, customerid=1)
    assert ac.customers.get(CAROL).totalRevenue == 0
    assert ac.customers.get(1).totalRevenue == before + 5000


def test_delete_recomputes(ac):
    order = ac.orders.create(new_order())
    ac.orders.delete(order.id)
    customer = ac.customers.get(CAROL)
    assert customer.totalRevenue == 0
    assert customer.totalOrders == 0
    assert customer.totalProducts == 0


def test_abandoned_cart_left_out_until_recovered(ac):
    fields = new_order(
        externalcheckoutid="cart-5", abandonedDate="2024-06-01T18:00:00-05:00"
    )
    del fields["externalid"]
    cart = ac.orders.create(fields)
    assert ac.customers.get(CAROL).totalRevenue == 0
    ac.orders.update(cart.id, externalid="O-5")
    assert ac.customers.get(CAROL).totalRevenue == 5000


def test_aggregates_equal_sums_of_listed_orders(ac):
    orders = ac.orders.frame()
    completed = orders[orders["state"] != 2]
    sums = completed.groupby("customerid")["totalPrice"].sum()
    customers = ac.customers.frame()
    for customer_id, revenue in customers["totalRevenue"].items():
        assert revenue == sums.get(customer_id, 0), customer_id
