# Minimal mitmproxy addon: read every request body, as a scanning addon would have to.
class ReadBody:
    def request(self, flow):
        _ = flow.request.get_content()

addons = [ReadBody()]
