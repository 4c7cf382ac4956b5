"""Models: the registry (`base`), typed settings, the linear family, XGBRF and LEMBAS-RNN (`rnn`)."""
