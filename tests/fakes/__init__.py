"""Realistic fakes of GitHub and the Hugging Face Hub, served on 127.0.0.1."""
