"""LEMBAS-RNN: graph, sparse products with a hand-written backward, model, training, files, device, dense reference."""
