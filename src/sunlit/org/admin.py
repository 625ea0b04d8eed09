from django.contrib import admin

from sunlit.org.models import Appointment, Membership, Official, PortfolioArea, Post, Unit

admin.site.register([Unit, Post, PortfolioArea, Official, Appointment, Membership])
