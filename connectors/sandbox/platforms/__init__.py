"""One emulated platform per module: its wire format, its accounts and its faults. The
registry names each platform's class; nothing here lists them."""
