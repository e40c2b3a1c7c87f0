"""The Gradio app: one module per tab; the core never imports gradio."""
