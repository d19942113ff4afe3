"""Reads other apps use: the municipality profile, departments and offices."""

from .models import Department, Municipality, Office


def municipality():
    return Municipality.objects.first()


def departments():
    return Department.objects.all()


def department(code):
    return Department.objects.filter(code=code).first()


def offices():
    return Office.objects.all()


def office(code):
    return Office.objects.filter(code=code).first()
