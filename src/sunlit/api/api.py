from ninja import NinjaAPI

api = NinjaAPI(title="Sunlit 阳光权力运行平台 API", version="1")
