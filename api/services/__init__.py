"""Domain logic, one module per domain; routers call these, these only flush."""
