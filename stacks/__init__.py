"""What a stack is: the application model, how it is read from stack config, and the offline render."""
