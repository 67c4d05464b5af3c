from soma import __version__


def soma(request):
    return {"soma_version": __version__}
