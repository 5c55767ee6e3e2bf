"""The local scale-out cluster: `make cluster`, `make cluster-drill`, `make cluster-stop`."""
